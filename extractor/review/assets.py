"""The review page's style sheet and script, inlined into the page (it fetches nothing).

The script: clicking a table cell selects it (its box outlined on the page image and scrolled to, its
provenance shown — for text documents with its source line and the lines around it); clicking a box
selects its cell. The review list steps through the cells to review (next / previous, keys ``n``/``p``).
The zoom buttons (keys ``+``/``-``/``0``; a double click zooms in at the pointer) scale the page images
and their boxes together: the boxes are placed in percent of the image. The fragment ``#cell=KEY&zoom=Z``
selects a cell and sets the zoom on load; selecting and zooming write it back.
"""

from __future__ import annotations

from .kinds import KINDS, ROW_COLOR, SELECT_COLOR

ZOOM_LEVELS = (0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4)


def css() -> str:
    kinds = "".join(f".box.{k}{{border-color:{c}}}.sw.{k}{{border-color:{c};background:{tint}}}"
                    + ("" if k == "c-ok" else f".cell.{k}{{background:{tint};box-shadow:inset 0 0 0 2px {c}}}")
                    for k, (c, tint, _) in KINDS.items())
    return (
        "*{box-sizing:border-box}html,body{margin:0;height:100%}"
        "body{display:flex;flex-direction:column;font:13px/1.4 system-ui,'Noto Sans CJK SC',sans-serif;color:#222}"
        "header{padding:6px 12px;border-bottom:1px solid #ccc;background:#f7f7f7}"
        "header h1{font-size:15px;margin:0 0 2px}header .meta{color:#555}"
        ".legend{margin-top:4px;display:flex;flex-wrap:wrap;gap:12px;align-items:center}"
        ".legend span{display:inline-flex;align-items:center;gap:4px}"
        ".sw{display:inline-block;width:14px;height:10px;border:2px solid;flex:none}"
        "main{flex:1;min-height:0;display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr)}"
        "#pages{overflow:auto;background:#5a5a5a;padding:0 8px 8px;--zoom:1}"
        "#zoombar{position:sticky;top:0;left:0;z-index:30;display:inline-flex;gap:4px;align-items:center;"
        "margin:0 0 6px;padding:4px 6px;background:rgba(40,40,40,.85);color:#eee;border-radius:0 0 4px 4px}"
        "#zoombar button{min-width:2.2em}#zoomlevel{min-width:3.4em;text-align:center}#zoombar .hint{font-size:11px;"
        "color:#bbb}"
        "#side{display:flex;flex-direction:column;min-height:0;border-left:1px solid #ccc}"
        "#sidescroll{flex:1;min-height:0;overflow:auto;padding:0 12px 12px}"
        "body.textonly main{grid-template-columns:minmax(0,1fr)}body.textonly #pages{display:none}"
        ".page{margin:0 auto 14px;width:calc(100% * var(--zoom))}.pno{color:#eee;font-size:11px}"
        ".pimg{position:relative;background:#fff}.pimg img{display:block;width:100%;height:auto}"
        ".box,.rowbox,.sentbox{position:absolute}"
        ".box{border:2px solid;cursor:pointer}"
        ".rowbox{border:1px dotted " + ROW_COLOR + ";pointer-events:none}"
        "body.norows .rowbox{display:none}"
        ".sentbox{border:2px dashed " + ROW_COLOR + "}.sentbox.s-fail{border-color:" + KINDS["c-fail"][0] + "}"
        ".box.selected,.sentbox.selected{outline:3px solid " + SELECT_COLOR + ";outline-offset:2px;z-index:10}"
        "#prov{flex:none;background:#fffbe6;border-bottom:1px solid #e0d58a;padding:6px 12px;min-height:3em;"
        "max-height:40%;overflow:auto}#prov table{border-collapse:collapse}"
        "#prov table td{padding:0 10px 0 0;vertical-align:top}"
        "code.srcline{background:#fff;border:1px solid #e0d58a;padding:0 4px;white-space:pre-wrap;word-break:break-all}"
        ".ctx{margin-top:4px;font:12px/1.35 ui-monospace,monospace}.ctx .ln{white-space:pre;overflow:hidden;"
        "text-overflow:ellipsis}"
        ".ctx .ln{color:#777}.ctx .ln.cur{color:#000;background:#fff3b0}"
        "#queue{flex:none;border-bottom:1px solid #ccc;background:#f3f7ff;padding:4px 12px}"
        "#queue .qbar{display:flex;gap:6px;align-items:center}#qpos{min-width:4.5em;text-align:center}"
        "#queue ol{position:relative;max-height:8.6em;overflow:auto;margin:3px 0 0;padding-left:2.6em}"
        "li.qi{cursor:pointer;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}"
        "li.qi .sw{margin-right:4px;vertical-align:-1px}li.qi .why{color:#666}"
        "li.qi.current{background:#d9f5ff;outline:2px solid " + SELECT_COLOR + "}"
        "table.grid{border-collapse:collapse;margin:4px 0 10px;font-size:12px}"
        "table.grid th,table.grid td{border:1px solid #bbb;padding:2px 5px;text-align:right}"
        "table.grid thead th{background:#eee;text-align:center;font-weight:normal;max-width:7em}"
        "table.grid th.rl{text-align:left;font-weight:normal;max-width:22em;overflow:hidden;text-overflow:ellipsis;"
        "white-space:nowrap}"
        "table.grid tr.grp th.gh{text-align:left;background:#e8eef8;font-weight:bold;color:#234}"
        "tr.grp.d1 th.gh,tr.sub.d1 th.rl{padding-left:1.6em}"
        "tr.grp.d2 th.gh,tr.sub.d2 th.rl{padding-left:3.2em}tr.sub.d3 th.rl{padding-left:4.8em}"
        "td.cell{cursor:pointer;min-width:2.4em}td.na{background:repeating-linear-gradient(45deg,#f3f3f3,#f3f3f3 3px,"
        "#e6e6e6 3px,#e6e6e6 6px)}"
        "td.cell.selected{outline:3px solid " + SELECT_COLOR + ";outline-offset:-1px}"
        "h3{font-size:14px;margin:12px 0 4px}.note{color:#555;font-style:italic}#pages .nopage{color:#eee;padding:12px}"
        "ul.checks{padding-left:18px;margin:4px 0}li.chk{margin-bottom:6px}li.chk.fail b{color:"
        + KINDS["c-fail"][0] + "}li.chk.pass b{color:" + KINDS["c-ok"][0] + "}"
        "li.chk[data-page]:not([data-page='']){cursor:pointer}.keys{font-size:11px}.keylink{margin-right:4px}"
        + kinds
    )


JS = r"""
(function(){
  function q(s,root){return Array.prototype.slice.call((root||document).querySelectorAll(s));}
  function byId(i){return document.getElementById(i);}
  function sel(k){return '[data-key="'+CSS.escape(k)+'"]';}
  function clear(){q('.selected').forEach(function(e){e.classList.remove('selected');});}
  var state={cell:null, zoom:1, qi:-1};
  var LEVELS=__LEVELS__;
  var LINES={}; try{LINES=JSON.parse(byId('source-lines').textContent);}catch(e){LINES={};}
  function writeHash(){
    var parts=[]; if(state.cell) parts.push('cell='+state.cell); if(state.zoom!==1) parts.push('zoom='+state.zoom);
    try{history.replaceState(null,'',parts.length?'#'+parts.join('&'):location.pathname+location.search);}catch(e){}
  }
  function hashParams(){
    var o={}; location.hash.replace(/^#/,'').split('&').forEach(function(p){
      var i=p.indexOf('='); if(i<=0) return; try{o[p.slice(0,i)]=decodeURIComponent(p.slice(i+1));}catch(e){}});
    return o;
  }
  // ---------------------------------------------------------------- provenance
  var F=[['key','key'],['value','value'],['raw','raw text'],['source','source'],['confidence','confidence'],
         ['reason','reason'],['page','page'],['bbox','bbox (x0, top, x1, bottom)'],['line','line'],['rowline','row label line'],
         ['grid','source table cell (from 0)'],['unit','unit']];
  var TEXT_OF={line:'linetext', rowline:'rowtext'};
  function contextLines(n){
    var box=document.createElement('div'); box.className='ctx';
    for(var i=n-2;i<=n+2;i++){ if(!(String(i) in LINES)) continue;
      var d=document.createElement('div'); d.className='ln'+(i===n?' cur':'');
      d.textContent=(i===n?'▶ ':'  ')+i+' │ '+LINES[String(i)]; box.appendChild(d);}
    return box.childNodes.length?box:null;
  }
  function showProv(td){
    var p=byId('prov'), t=document.createElement('table');
    F.forEach(function(f){var v=td.dataset[f[0]]; if(v===undefined||v==='') return;
      var tr=t.insertRow(), a=tr.insertCell(), b=tr.insertCell(); a.innerHTML='<b></b>';
      a.firstChild.textContent=f[1]; b.textContent=v;
      var src=TEXT_OF[f[0]]&&td.dataset[TEXT_OF[f[0]]];
      if(src){var c=document.createElement('code'); c.className='srcline'; c.textContent=src;
        b.appendChild(document.createTextNode(' ')); b.appendChild(c);}});
    p.textContent=''; p.appendChild(t);
    if(td.dataset.line&&!td.dataset.page){var cx=contextLines(parseInt(td.dataset.line,10)); if(cx) p.appendChild(cx);}
    if(!td.dataset.bbox&&document.body.classList.contains('paged')){var n=document.createElement('div'); n.className='note';
      n.textContent='no box on a page image for this cell'; p.appendChild(n);}
  }
  // ---------------------------------------------------------------- review list
  var items=q('#queue li.qi'), tdOrder={};
  q('td.cell').forEach(function(td,i){tdOrder[td.dataset.key]=i;});
  function markQueue(k){
    state.qi=-1;
    items.forEach(function(li,i){var on=li.dataset.target===k; li.classList.toggle('current',on); if(on) state.qi=i;});
    var pos=byId('qpos'); if(pos) pos.textContent=(state.qi<0?'–':state.qi+1)+' / '+items.length;
    if(state.qi>=0){var li=items[state.qi], ol=li.parentNode;
      if(li.offsetTop<ol.scrollTop||li.offsetTop+li.offsetHeight>ol.scrollTop+ol.clientHeight)
        ol.scrollTop=li.offsetTop-ol.clientHeight/2;}
    var prev=byId('qprev'), next=byId('qnext');
    if(prev) prev.disabled=!items.length||target(-1)===null;
    if(next) next.disabled=!items.length||target(1)===null;
  }
  function target(d){
    var i;
    if(state.qi>=0) i=state.qi+d;
    else{ var o=(state.cell in tdOrder)?tdOrder[state.cell]:(d>0?-1:Infinity); i=-1;
      items.forEach(function(li,j){var lo=tdOrder[li.dataset.target];
        if(d>0&&i<0&&lo>o) i=j; if(d<0&&lo<o) i=j;});}
    return (i>=0&&i<items.length)?i:null;
  }
  function move(d){var i=target(d); if(i!==null) go(items[i].dataset.target);}
  // ---------------------------------------------------------------- selection
  function selectKey(k, scrollTable){
    var td=document.querySelector('td.cell'+sel(k)); if(!td) return false;
    clear(); td.classList.add('selected'); showProv(td); state.cell=k; markQueue(k);
    if(scrollTable) td.scrollIntoView({block:'center',inline:'nearest'});
    var boxes=q('.box'+sel(k));
    boxes.forEach(function(b){b.classList.add('selected');});
    if(boxes.length) boxes[0].scrollIntoView({block:'center',inline:'center'});
    return true;
  }
  function go(k){if(selectKey(k,true)) writeHash();}
  window.reviewSelect=selectKey; window.reviewNext=function(){move(1);}; window.reviewPrev=function(){move(-1);};
  // ---------------------------------------------------------------- zoom
  var pagesEl=byId('pages');
  function setZoom(z, anchor){
    if(!pagesEl||!q('.page',pagesEl).length) return;
    z=Math.max(LEVELS[0],Math.min(LEVELS[LEVELS.length-1],z));
    var r=pagesEl.getBoundingClientRect();
    var ax=anchor?anchor.x-r.left:pagesEl.clientWidth/2, ay=anchor?anchor.y-r.top:pagesEl.clientHeight/2;
    var fx=(pagesEl.scrollLeft+ax)/pagesEl.scrollWidth, fy=(pagesEl.scrollTop+ay)/pagesEl.scrollHeight;
    state.zoom=z; pagesEl.style.setProperty('--zoom',String(z)); document.body.dataset.zoom=String(z);
    var lab=byId('zoomlevel'); if(lab) lab.textContent=Math.round(z*100)+'%';
    pagesEl.scrollLeft=fx*pagesEl.scrollWidth-ax; pagesEl.scrollTop=fy*pagesEl.scrollHeight-ay;
    var out=byId('zoomout'), inn=byId('zoomin');
    if(out) out.disabled=z<=LEVELS[0]; if(inn) inn.disabled=z>=LEVELS[LEVELS.length-1];
  }
  function step(d, anchor){
    var i=LEVELS.indexOf(state.zoom);
    if(i<0){i=0; while(i<LEVELS.length-1&&LEVELS[i]<state.zoom) i++; if(d>0&&LEVELS[i]>state.zoom) d=0;}
    setZoom(LEVELS[Math.max(0,Math.min(LEVELS.length-1,i+d))], anchor);
    if(!anchor){var b=document.querySelector('.box.selected'); if(b) b.scrollIntoView({block:'center',inline:'center'});}
    writeHash();
  }
  // ---------------------------------------------------------------- events
  document.addEventListener('click',function(ev){
    var t=ev.target, id=t.id||(t.closest&&t.closest('button')||{}).id;
    if(id==='zoomin'){step(1); return;} if(id==='zoomout'){step(-1); return;}
    if(id==='zoomfit'){setZoom(1); writeHash(); return;}
    if(id==='qnext'){move(1); return;} if(id==='qprev'){move(-1); return;}
    if(t.matches('td.cell')){selectKey(t.dataset.key,false); writeHash(); return;}
    if(t.matches('.box')){go(t.dataset.key); return;}
    if(t.matches('a.keylink')){ev.preventDefault(); go(t.dataset.target); return;}
    var qi=t.closest&&t.closest('li.qi'); if(qi){go(qi.dataset.target); return;}
    var li=t.closest&&t.closest('li.chk');
    if(li&&li.dataset.page){clear(); var s=document.querySelector('.sentbox[data-check="'+CSS.escape(li.dataset.check)+'"]');
      if(s){s.classList.add('selected'); s.scrollIntoView({block:'center'});}}
  });
  if(pagesEl) pagesEl.addEventListener('dblclick',function(ev){
    if(ev.target.closest&&ev.target.closest('.pimg')){ev.preventDefault(); step(1,{x:ev.clientX,y:ev.clientY});}});
  document.addEventListener('keydown',function(ev){
    if(ev.ctrlKey||ev.metaKey||ev.altKey) return;
    var tag=(ev.target.tagName||'').toLowerCase(); if(tag==='input'||tag==='textarea') return;
    var k=ev.key;
    if(k==='n'||k==='j') move(1); else if(k==='p'||k==='k') move(-1);
    else if(k==='+'||k==='=') step(1); else if(k==='-') step(-1); else if(k==='0'){setZoom(1); writeHash();}
    else return;
    ev.preventDefault();
  });
  var rows=byId('showrows');
  if(rows) rows.addEventListener('change',function(){document.body.classList.toggle('norows',!rows.checked);});
  function initial(){
    var h=hashParams(), z=parseFloat(h.zoom);
    setZoom(isFinite(z)&&z>0?z:state.zoom);
    if(h.cell&&selectKey(h.cell,true)) return;
    if(state.cell&&selectKey(state.cell,true)) return;
    var first=document.querySelector('td.cell.c-fail')||document.querySelector('td.cell.c-review');
    if(first) selectKey(first.dataset.key,true); else markQueue(null);
  }
  initial();
  window.addEventListener('load',initial);
})();
"""


def js() -> str:
    return JS.replace("__LEVELS__", "[" + ",".join(str(z) for z in ZOOM_LEVELS) + "]")
